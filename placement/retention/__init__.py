"""After the internship: does the job last? Checks at 1, 3, 6 and 12 months after a hire's job start (report
sections 7.4–7.5), recorded by the consultant or answered by the mentor through an e-mailed link."""
