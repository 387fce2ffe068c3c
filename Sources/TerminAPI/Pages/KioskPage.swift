/// The kiosk: a citizen chooses a concern and takes a number, or checks in with a booking.
enum KioskPage {
    static let html = """
    <!DOCTYPE html>
    <html lang="de">
    <head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Nummer ziehen – Termin</title>
    <style>\(PageStyle.css)
    .concerns { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.75rem; padding: 0; list-style: none; }
    .concerns button { width: 100%; min-height: 4rem; text-align: left; font-size: 1.25rem; }
    #ticket { border: 4px solid var(--brand); padding: 1.5rem; margin-top: 1rem; }
    #ticket-number { font-size: 5rem; font-weight: bold; margin: 0; }
    </style>
    </head>
    <body>
    <header><h1 id="office-name">Nummer ziehen</h1></header>
    <main>
      <section aria-labelledby="choose-heading">
        <h2 id="choose-heading">Ohne Termin: Anliegen wählen</h2>
        <p id="status" class="muted" aria-live="polite"></p>
        <ul id="concerns" class="concerns"></ul>
      </section>
      <section id="ticket" hidden aria-live="assertive" tabindex="-1" aria-labelledby="ticket-heading">
        <h2 id="ticket-heading">Ihre Nummer</h2>
        <p id="ticket-number"></p>
        <p id="ticket-wait"></p>
        <button id="again" type="button" class="secondary">Fertig</button>
      </section>
      <section aria-labelledby="checkin-heading">
        <h2 id="checkin-heading">Mit Termin: einchecken</h2>
        <form id="checkin">
          <label for="booking">Buchungsnummer</label>
          <input id="booking" name="booking" autocomplete="off" required size="38">
          <label for="code">Code aus der Bestätigung</label>
          <input id="code" name="code" autocomplete="off" required size="34">
          <p><button type="submit">Einchecken</button></p>
        </form>
      </section>
      <p id="error" class="error" role="alert"></p>
    </main>
    <script>\(PageStyle.script)
    const office = officeFromQuery();
    function showTicket(ticket, lines) {
      el('ticket-number').textContent = ticket.number;
      el('ticket-wait').textContent = lines;
      el('ticket').hidden = false;
      el('ticket').focus();
    }
    async function take(serviceID) {
      el('error').textContent = '';
      try {
        const ticket = await api('POST', '/v1/offices/' + office + '/tickets', { services: [{ id: serviceID }] });
        const minutes = ticket.estimated_wait_minutes;
        const wait = minutes == null ? 'Ob Sie heute noch an die Reihe kommen, ist nicht sicher.'
          : minutes < 2 ? 'Sie sind gleich an der Reihe.' : 'Geschätzte Wartezeit: etwa ' + minutes + ' Minuten.';
        const ahead = ticket.waiting_ahead === 0 ? 'Vor Ihnen wartet niemand.'
          : ticket.waiting_ahead === 1 ? 'Vor Ihnen wartet eine Person.' : 'Vor Ihnen warten ' + ticket.waiting_ahead + ' Personen.';
        showTicket(ticket, wait + ' ' + ahead + ' Bitte achten Sie auf die Anzeige.');
      } catch (error) { el('error').textContent = error.message; }
    }
    async function refreshStatus() {
      try {
        const status = await api('GET', '/v1/offices/' + office + '/queue');
        el('status').textContent = status.takes_walk_ins
          ? 'Es warten ' + status.waiting_walk_ins + ' Personen ohne Termin.' : 'Heute werden keine Nummern mehr ausgegeben.';
      } catch (error) { el('status').textContent = ''; }
    }
    el('again').addEventListener('click', () => { el('ticket').hidden = true; el('concerns').querySelector('button')?.focus(); });
    el('checkin').addEventListener('submit', async (event) => {
      event.preventDefault();
      el('error').textContent = '';
      try {
        const ticket = await api('POST', '/v1/offices/' + office + '/check-ins', { booking: el('booking').value.trim(), code: el('code').value.trim() });
        showTicket(ticket, 'Sie sind eingecheckt. Sie werden zu Ihrer Terminzeit aufgerufen.');
        el('checkin').reset();
      } catch (error) { el('error').textContent = error.message; }
    });
    (async () => {
      try {
        const info = await api('GET', '/v1/offices/' + office);
        el('office-name').textContent = 'Nummer ziehen – ' + info.display_name;
        const services = await serviceNames(office);
        for (const service of services.list) {
          const item = document.createElement('li');
          const button = text('button', service.name_de);
          button.type = 'button';
          button.dataset.service = service.id;
          button.addEventListener('click', () => take(service.id));
          item.appendChild(button);
          el('concerns').appendChild(item);
        }
        refreshStatus();
        setInterval(refreshStatus, 15000);
      } catch (error) { el('error').textContent = error.message; }
    })();
    </script>
    </body>
    </html>
    """
}
