// Plotly with only the trace types the site draws: scatter (in core), bar and waterfall.
var Plotly = require("plotly.js/lib/core");
Plotly.register([require("plotly.js/lib/bar"), require("plotly.js/lib/waterfall")]);
module.exports = Plotly;
