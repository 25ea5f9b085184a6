"""
Date formats where the portal's differ from Django's (FORMAT_MODULE_PATH): a module names only what it changes,
Django's own module of the language gives the rest.

- en: the day before the month, as the record has always printed it ("20 June 2022"), not Django's US "June 20, 2022".
- bs: the month's name (Django's Bosnian abbreviates it: "20. Jun 2022.").
- hr: the month's genitive after a day ("20. lipnja"), as Django's Croatian DATE_FORMAT has it.
- cnr: Montenegrin, which Django has none of.
"""
