# The same dates and numbers as in Vietnamese: dd/mm/yyyy, the officers' habit and the plan's
# documents, in both languages.
from plan_tracker.formats.vi.formats import *  # noqa: F403
