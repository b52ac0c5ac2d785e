"""The national-scale benchmark (issue 5): `python bench/run.py --help`."""
