"""Mail: pure builders that return EmailMessage objects, and transports that send them (SMTP, or .eml files).

Messages are built first and sent after, so `--dry-run` shows exactly what would go to whom, and a sent log (JSON
lines) makes a re-run safe: a message already sent is skipped unless `--resend`. Every address comes from the
roster; a unit with none gets a finding, not a crash.

message.py builds one email, builders.py the four kinds (分发, 催报, 汇总, 牵头), transports.py sends them.
"""

from zwgk_xl.mail.builders import UNIT_HEADERS, distribution, lead_status, reminders, summary
from zwgk_xl.mail.message import XLSX, Outgoing, attach
from zwgk_xl.mail.transports import (
    Delivery,
    MailServerError,
    OutboxTransport,
    SmtpTransport,
    Transport,
    deliver,
    sent_keys,
)

__all__ = [
    "UNIT_HEADERS",
    "XLSX",
    "Delivery",
    "MailServerError",
    "OutboxTransport",
    "Outgoing",
    "SmtpTransport",
    "Transport",
    "attach",
    "deliver",
    "distribution",
    "lead_status",
    "reminders",
    "sent_keys",
    "summary",
]
