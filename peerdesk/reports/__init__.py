"""PDF builders (reportlab): take plain data, write a file. No Qt, no Session."""
