"""The funding area: grants (F1) and the activity report for funders."""
