"""Function views name no model; which model their URL parameters point at (full URL name -> param -> model).

New function views with parameters must be added here, else the tests fail with a clear message.
"""

from buendnis.models import Aufgabe, Sitzung, Vereinbarungsdokument, Verfahrensvereinbarung

FUNCTION_VIEW_MODELS = {
    "buendnis:top-create": {"pk": Sitzung},
    "buendnis:beschluss-create": {"pk": Sitzung},
    "buendnis:aufgabe-status": {"pk": Aufgabe},
    "buendnis:dokument-create": {"pk": Verfahrensvereinbarung},
    "buendnis:dokument-download": {"pk": Vereinbarungsdokument},
}
