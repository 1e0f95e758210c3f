"""The "Recruitment and training" area: applicants (tab 1) and the course (tab 2)."""
