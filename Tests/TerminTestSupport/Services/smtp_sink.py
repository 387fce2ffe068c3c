#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): every message it accepts is parsed with Python's own e-mail
package (RFC 5322, MIME, RFC 2047) and appended to DIR/mails.jsonl as one JSON object:
{message_id, to, from, subject, date, envelope_to, helo (the EHLO name), text, calendar_method, calendar}. A
recipient whose address starts with "greylisted" is deferred (450, as a relay's greylisting or rate limit answers), one starting with "unknown" refused
(550, no such mailbox), and a sender starting with "unlisted" refused (550, as a relay that does not relay for it).
A message to a recipient starting with "slow" is answered 2 s after its data (a relay that scans content).
Prints "PORT n" once listening; ends when its standard input closes.

usage: smtp_sink.py DIR [PORT]      (PORT 0 or none: a free one)
"""
import asyncio, email, email.policy, json, os, socket, sys
from aiosmtpd.controller import Controller

folder = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
if port == 0:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("unlisted"):
            return "550 5.7.1 Relaying denied"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("greylisted"):
            return "450 4.2.0 Greylisted, try again later"
        if address.startswith("unknown"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text, calendar, method = None, None, None
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_content().replace("\r\n", "\n")   # as a mail client shows it
            elif part.get_content_type() == "text/calendar":
                calendar = part.get_content()
                method = part.get_param("method")
        record = {"message_id": message["Message-ID"], "to": str(message["To"]), "from": str(message["From"]),
                  "subject": str(message["Subject"]), "date": str(message["Date"]), "envelope_to": envelope.rcpt_tos,
                  "helo": session.host_name, "text": text, "calendar_method": method, "calendar": calendar}
        with open(os.path.join(folder, "mails.jsonl"), "a") as out:
            out.write(json.dumps(record) + "\n")
        if any(address.startswith("slow") for address in envelope.rcpt_tos):
            await asyncio.sleep(2)
        return "250 Message accepted"


controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("PORT", port, flush=True)
sys.stdin.read()
controller.stop()
