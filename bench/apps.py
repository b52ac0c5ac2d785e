from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark as an app: it brings the command that generates the national data set."""

    name = "bench"
    verbose_name = "Benchmark"
