"""London policing transparency: data packages in, static site out."""
