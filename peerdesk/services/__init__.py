"""The domain: plain functions over a SQLAlchemy Session, no Qt.

Each function validates its input and raises a ValidationError carrying a
readable message (and the form field it concerns) before anything is written.
"""
