"""The national-scale benchmark, its SQL floors and its data set: `python bench/run.py --help`.

- run.py: the entry point (its options) and the whole run;
- context.py: who, where, when (scale, year, province, commune, users);
- measure.py: time, SQL statements and peak memory of one piece of work;
- pages.py: the pages measured, their floors and the checks that both agree;
- imports.py: the import of a generated file of inspections, rolled back;
- load.py: reads and writes under load, through gunicorn, against 1 to 4 workers;
- report.py: the table printed and the JSON written;
- compare.py, interleave.py: two data sets side by side, from two runs or from one run
  timing both in turns;
- floors.py: the hand-written SQL the pages are measured and checked against;
- dataset.py: the national data set (`manage.py generate_national_dataset`).

But for dataset.py, these modules import Django inside their functions: run.py, run as a
script, sets Django up first.
"""
