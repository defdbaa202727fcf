"""Documents and pictures built from domain data: charts, PDFs, spreadsheets, calendar files."""
