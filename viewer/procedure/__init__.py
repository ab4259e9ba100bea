"""The procedure feature: play a pulpotomy or a pulpectomy, or both side by side.

``frames`` (pure: a timeline moment to small state updates), ``logic`` (the session's player and its typed
state, ``ProcedurePlayer`` / ``ProcedureState``), ``ui`` (controls in the panel, caption and counters over
the view). No re-exports here: import the module you need (keeps the import graph free of cycles).
"""
