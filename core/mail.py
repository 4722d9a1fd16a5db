from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """The demo's mail: each message printed as a person would read it.

    Django's console backend prints the encoded MIME message, where long links are split by
    quoted-printable soft line breaks and cannot be clicked or pasted from the terminal.
    """

    def write_message(self, message):
        lines = [
            "-" * 72,
            f"Email to {', '.join(message.to)} from {message.from_email}",
            f"Subject: {message.subject}",
            "",
            message.body.rstrip(),
            "-" * 72,
        ]
        self.stream.write("\n".join(lines) + "\n")
