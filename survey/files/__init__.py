"""Reading the sheets of uploaded files (xlsx and csv) within limits, and the
problems found in them by sheet, row and column: shared by the importers and the
services that read files."""
