"""The one exception type for bad input, so every face can report it the same way."""


class InputError(ValueError):
    """Bad input from a user: a parameter, a file, a name.

    The message is one line that names what is wrong and what is allowed; the CLI prints
    it on stderr and exits with code 2, the dashboard shows it next to the control.
    """
