"""The national-scale benchmark, its SQL floors and its data set: `python bench/run.py --help`."""
