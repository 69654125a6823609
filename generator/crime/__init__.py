"""Import any edition of the Met's recorded-crime file (borough or ward level) as a tidy data package.

The Met's files are wide: label columns, then one column per month. Between
editions the label columns are renamed, categories are renamed, split, cut at a
fixed width or recased. None of that is in code: column names, category labels
and area names are rows of the indicator-definitions package, matched after
normalising case, spacing and punctuation. Whatever does not match stops the
import, every problem listed at once with the row that fixes it.

The stages of an import, one module each: sources (where the file comes from), layout (its header), labels
(how its labels match the definitions), rows (its counts, checked), population (rates' denominators) and
package (the tidy package, written all or nothing, with the Table Schemas in schemas/).
"""

from .labels import Definitions, key
from .package import import_crime
from .population import read_population

__all__ = ["Definitions", "import_crime", "key", "read_population"]
