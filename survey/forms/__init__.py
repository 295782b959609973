"""Forms: what a person typed, checked field by field; the rules are the services'."""
