"""
Written procedures: decisions between meetings, a package of the decisions layer. `services.py`
(the steps: launch, answer, close, withdraw, publish, remind), `contacts.py` (who may answer for each
organisation and whether an e-mail reaches them; what a step e-mailed, said in its message),
`panel.py` (where a procedure stands, one badge and one sentence; the Secretariat's control panel),
`forms.py`, `views.py`, `feeds.py` (the deadlines calendar) and `urls.py`; the models stay in
decisions.models (WrittenProcedure, ProcedureAnswer, ProcedureReminder).
"""
