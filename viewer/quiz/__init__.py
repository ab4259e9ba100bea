"""The student quiz: ask for a structure, judge the tap by region and position, keep the session's score.

``logic`` holds ``Quiz`` and its typed ``QuizState``; its buttons live in the story panel (``story.ui``).
"""
