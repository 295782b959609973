"""Report services: the committee workbook, the annex and their exports
(``exports``), the data gathered for them (``data``), the campaign dashboard
(``dashboard``) and one unit's scorecard and self-assessment report (``unit``)."""
