#!/usr/bin/env python3
"""The outbox's delivery rate beside the SMTP server's own, in the same run, on the same SMTP server program.

usage: delivery.py TERMIN_BINARY [COUNT]      (COUNT mails, default 2000)

1. The SMTP server alone: Tests/TerminTestSupport/Services/smtp_sink.py (aiosmtpd, parsing every message as the tests
   do) receives COUNT mails of a confirmation's shape and size (text and an iCalendar part, an RFC 2047 subject) from
   one client over one connection at a time, 50 mails per connection, as the engine's delivery loop sends them.
2. Termin: `termin serve` mailing to a second such server; COUNT bookings with a contact e-mail are made at once
   through REST (16 threads), and their confirmations are delivered by the outbox.
The server alone: mails over the time the client took (each mail answered once the server parsed and logged it);
Termin: mails over the time from the first mail the server logged to the last (polled every 20 ms). Prints both and their ratio: near 1 when the delivery loop keeps up with the server.
"""
import datetime, email.message, http.client, json, os, random, shutil, smtplib, subprocess, sys, tempfile, threading, time

binary = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sink_script = os.path.join(root, "Tests/TerminTestSupport/Services/smtp_sink.py")
work = tempfile.mkdtemp(prefix="termin-bench-delivery.")
os.chmod(work, 0o755)   # as root, the embedded cluster runs as postgres, which must reach it
children = []


def start_sink(name):
    folder = os.path.join(work, name)
    os.makedirs(folder)
    process = subprocess.Popen([sys.executable, sink_script, folder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    children.append(process)
    port = int(process.stdout.readline().split()[1])
    return folder, port


def lines(folder):
    try:
        with open(os.path.join(folder, "mails.jsonl")) as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def received_rate(folder, seconds_max=600):
    """Mails per second from the first received to the `count`-th, polled every 20 ms."""
    deadline = time.time() + seconds_max
    first = None
    while time.time() < deadline:
        seen = lines(folder)
        if seen > 0 and first is None:
            first = time.time()
        if seen >= count:
            return count / max(time.time() - first, 1e-3)
        time.sleep(0.02)
    raise SystemExit(f"only {lines(folder)} of {count} mails arrived within {seconds_max} s")


def confirmation(index):
    message = email.message.EmailMessage()
    message["From"] = "Landeshauptstadt München <termine@muenchen.example>"
    message["To"] = f"bench{index}@example.org"
    message["Subject"] = "Terminbestätigung: Bürgerbüro Orleansplatz, Dienstag, 15. Dezember 2026, 08:30"
    message["Message-ID"] = f"<bench-{index}@termin.example>"
    message["Date"] = email.utils.formatdate(localtime=True)
    message.set_content("Guten Tag,\n\nIhr Termin ist bestätigt.\n\n" + "Bürgerbüro Orleansplatz, Orleansplatz 11, 81667 München.\n" * 12)
    message.add_attachment(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" + "DESCRIPTION:Personalausweis\r\n" * 20
                            + "END:VEVENT\r\nEND:VCALENDAR\r\n").encode(), maintype="text", subtype="calendar", params={"method": "REQUEST"})
    return message


try:
    # 1. The SMTP server alone.
    alone, port = start_sink("alone")
    mails = [confirmation(i) for i in range(count)]
    began = time.time()
    for batch in range(0, count, 50):
        with smtplib.SMTP("127.0.0.1", port) as client:
            for mail in mails[batch:batch + 50]:
                client.send_message(mail)   # answered once the server parsed and logged it
    alone_rate = count / (time.time() - began)
    assert lines(alone) == count

    # 2. Termin's outbox.
    delivered, port = start_sink("termin")
    serve = subprocess.Popen([binary, "serve", "--port", "8094", "--data-dir", os.path.join(work, "data"), "--rate-limit", "off",
                              "--identity-caps", "off", "--quiet", "--smtp-url", f"smtp://127.0.0.1:{port}",
                              "--mail-from", "termine@muenchen.example", "--portal-url", "https://termine.muenchen.example/buchung"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children.append(serve)
    while "listening" not in serve.stdout.readline():
        pass

    def get(path):
        connection = http.client.HTTPConnection("127.0.0.1", 8094)
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())

    offices = [o for o in get("/v1/offices?kind=citizen_office")["offices"]][:40]
    bodies = []
    first = datetime.date.today() + datetime.timedelta(days=1)
    for office in offices:
        service = next((offer["id"] for offer in office["services"] if offer["bookable_online"]), None)
        if service is None:
            continue
        days = get(f"/v1/availability?office={office['id']}&service={service}&from={first}&to={first + datetime.timedelta(days=13)}")
        for day in days.get("offices", [{}])[0].get("days", []):
            for start in day.get("starts", [])[::2]:
                bodies.append({"office": office["id"], "start": start, "services": [{"id": service, "quantity": 1}]})
    random.Random(1).shuffle(bodies)
    booked = []
    lock = threading.Lock()

    def book(offset):
        connection = http.client.HTTPConnection("127.0.0.1", 8094)
        for index in range(offset, len(bodies), 16):
            with lock:
                if len(booked) >= count:
                    return
            body = dict(bodies[index], contact={"name": "Bench", "email": f"bench{index}@example.org", "language": "de"})
            connection.request("POST", "/v1/bookings", json.dumps(body), {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status == 201:
                with lock:
                    booked.append(index)

    threads = [threading.Thread(target=book, args=(offset,)) for offset in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(booked) < count:
        raise SystemExit(f"only {len(booked)} bookings of {count} (too few free starts)")
    termin_rate = received_rate(delivered)
    print(f"SMTP server alone (one connection at a time, 50 mails each)  {alone_rate:8.0f} mails/s")
    print(f"Termin's outbox delivery to the same server                {termin_rate:8.0f} mails/s  ({count} confirmations)")
    print(f"ratio outbox / server alone: {termin_rate / alone_rate:.2f}x")
finally:
    for child in reversed(children):
        if child.stdin:
            child.stdin.close()
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
    shutil.rmtree(work, ignore_errors=True)
