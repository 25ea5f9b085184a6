"""
Written procedures: decisions between meetings, a package of the decisions layer. `services.py`
(the steps: launch, answer, close, withdraw, publish, remind), `forms.py`, `views.py`, `feeds.py`
(the deadlines calendar) and `urls.py`; the models stay in decisions.models (WrittenProcedure,
ProcedureAnswer).
"""
