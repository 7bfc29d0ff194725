"""The young person's rights and the end of a course: subject access, consent history, anonymisation, erasure and
retention (issue #9 §2)."""
