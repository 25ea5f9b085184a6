"""
A meeting's papers: the documents put before it, under an agenda item or for the meeting as a whole.
The Secretariat adds them on one page (an existing document, or a new one with its file, in one save)
and removes them; Board members read them with the record (decisions.models.MeetingPaper).
"""
