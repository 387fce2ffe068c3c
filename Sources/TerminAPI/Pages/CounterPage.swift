/// The counter workstation: a clerk logs in with a token, calls the next citizen, serves, finishes, marks no-shows,
/// parks and redirects; looks up and checks in bookings; books a future appointment for a citizen in the staff
/// channel.
enum CounterPage {
    static let html = """
    <!DOCTYPE html>
    <html lang="de">
    <head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Schalter – Termin</title>
    <style>\(PageStyle.css)
    .panel { border: 2px solid var(--line); padding: 1rem; margin: 1rem 0; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    #current-number { font-size: 3rem; font-weight: bold; margin: 0; }
    .times { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
    </style>
    </head>
    <body>
    <header><h1>Schalter</h1></header>
    <main>
      <form id="login" class="panel" aria-labelledby="login-heading">
        <h2 id="login-heading">Anmelden</h2>
        <label for="token">Zugangsschlüssel</label>
        <input id="token" type="password" autocomplete="off" required size="66">
        <label for="office">Dienststelle (Nummer)</label>
        <input id="office" inputmode="numeric" required size="8">
        <label for="desk">Schalter</label>
        <input id="desk" inputmode="numeric" required size="4" value="1">
        <p><button type="submit">Anmelden</button></p>
      </form>
      <div id="work" hidden>
        <p id="who" class="muted"></p>
        <section class="panel" aria-labelledby="current-heading">
          <h2 id="current-heading">Aktuell am Schalter</h2>
          <p id="current-number" aria-live="polite">–</p>
          <p id="current-detail"></p>
          <div class="actions">
            <button id="call-next" type="button">Nächste Nummer aufrufen</button>
            <button id="recall" type="button" class="secondary">Erneut aufrufen</button>
            <button id="serve" type="button" class="secondary">Bedienung beginnen</button>
            <button id="done" type="button" class="secondary">Erledigt</button>
            <button id="no-show" type="button" class="secondary">Nicht erschienen</button>
            <button id="park" type="button" class="secondary">Zurückstellen</button>
          </div>
          <label for="redirect-desk">Weiterleiten an Schalter</label>
          <input id="redirect-desk" inputmode="numeric" size="4">
          <label for="redirect-office">oder an Dienststelle (Nummer)</label>
          <input id="redirect-office" inputmode="numeric" size="8">
          <p><button id="redirect" type="button" class="secondary">Weiterleiten</button></p>
        </section>
        <section class="panel" aria-labelledby="queue-heading">
          <h2 id="queue-heading">Warteschlange</h2>
          <table><caption class="visually-hidden">Wartende und zurückgestellte Nummern</caption>
            <thead><tr><th scope="col">Nummer</th><th scope="col">Anliegen</th><th scope="col">Status</th><th scope="col">Seit / Termin</th><th scope="col">Aktion</th></tr></thead>
            <tbody id="queue"></tbody></table>
        </section>
        <section class="panel" aria-labelledby="lookup-heading">
          <h2 id="lookup-heading">Buchung nachschlagen und einchecken</h2>
          <form id="lookup">
            <label for="lookup-id">Buchungsnummer</label>
            <input id="lookup-id" autocomplete="off" required size="38">
            <p><button type="submit" class="secondary">Nachschlagen</button></p>
          </form>
          <p id="lookup-result" aria-live="polite"></p>
          <p><button id="check-in" type="button" hidden>Einchecken</button></p>
        </section>
        <section class="panel" aria-labelledby="book-heading">
          <h2 id="book-heading">Termin für Bürgerin oder Bürger buchen</h2>
          <form id="find-times">
            <label for="book-service">Anliegen</label>
            <select id="book-service" required></select>
            <label for="book-date">Tag</label>
            <input id="book-date" type="date" required>
            <label for="book-name">Name (freiwillig)</label>
            <input id="book-name" autocomplete="off" size="40">
            <p><button type="submit" class="secondary">Freie Zeiten zeigen</button></p>
          </form>
          <ul id="times" class="times" aria-label="Freie Zeiten"></ul>
          <p id="booked" aria-live="polite"></p>
        </section>
      </div>
      <p id="error" class="error" role="alert"></p>
    </main>
    <script>\(PageStyle.script)
    let token = sessionStorage.getItem('termin-token') || '';
    let office = Number(sessionStorage.getItem('termin-office')) || officeFromQuery();
    let desk = Number(sessionStorage.getItem('termin-desk')) || 1;
    let current = null, looked = null, names = {};
    const states = { waiting: 'wartet', called: 'aufgerufen', serving: 'in Bedienung', done: 'erledigt', no_show: 'nicht erschienen', parked: 'zurückgestellt', redirected: 'weitergeleitet' };
    function fail(error) { el('error').textContent = error.message; }
    function concern(ticket) { return ticket.services.map((s) => names[s.id] || s.id).join(', '); }
    function clock(iso) { return iso ? iso.substring(11, 16) : ''; }
    function showCurrent() {
      el('current-number').textContent = current ? current.number : '–';
      el('current-detail').textContent = current ? concern(current) + ' · ' + states[current.state] + (current.calls > 1 ? ' · ' + current.calls + '. Aufruf' : '') : 'Niemand am Schalter.';
      const state = current ? current.state : null;
      el('call-next').disabled = state === 'called' || state === 'serving';
      el('recall').disabled = el('no-show').disabled = el('serve').disabled = state !== 'called';
      el('done').disabled = state !== 'serving';
      el('park').disabled = el('redirect').disabled = !current;
    }
    async function refresh() {
      try {
        const data = await api('GET', '/v1/offices/' + office + '/tickets', undefined, token);
        current = data.tickets.find((t) => t.desk === desk && (t.state === 'called' || t.state === 'serving')) || null;
        showCurrent();
        const body = el('queue'); clear(body);
        for (const ticket of data.tickets.filter((t) => t.state === 'waiting' || t.state === 'parked')) {
          const row = document.createElement('tr');
          row.appendChild(text('td', ticket.number));
          row.appendChild(text('td', concern(ticket)));
          row.appendChild(text('td', states[ticket.state] + (ticket.target_desk ? ' (Schalter ' + ticket.target_desk + ')' : '')));
          row.appendChild(text('td', ticket.appointment_start ? 'Termin ' + clock(ticket.appointment_start) : 'seit ' + clock(ticket.arrived_at)));
          const cell = document.createElement('td');
          if (ticket.state === 'parked') {
            const resume = text('button', 'Wieder einreihen', 'secondary'); resume.type = 'button';
            resume.setAttribute('aria-label', ticket.number + ' wieder einreihen');
            resume.addEventListener('click', () => act('resume', ticket.id));
            cell.appendChild(resume);
          }
          row.appendChild(cell);
          body.appendChild(row);
        }
      } catch (error) { fail(error); }
    }
    async function act(action, id, body) {
      el('error').textContent = '';
      try {
        await api('POST', '/v1/offices/' + office + '/tickets/' + id + '/' + action, body, token);
        await refresh();
      } catch (error) { fail(error); }
    }
    async function start() {
      const me = await api('GET', '/v1/staff/me', undefined, token);
      el('who').textContent = me.name + ' (' + me.role + ') · Dienststelle ' + office + ' · Schalter ' + desk;
      const services = await serviceNames(office);
      names = services.names;
      const select = el('book-service'); clear(select);
      for (const service of services.list) { const option = text('option', service.name_de); option.value = service.id; select.appendChild(option); }
      el('book-date').value = new Date().toISOString().substring(0, 10);
      el('login').hidden = true; el('work').hidden = false;
      await refresh();
      el('call-next').focus();
      setInterval(refresh, 5000);
    }
    el('login').addEventListener('submit', async (event) => {
      event.preventDefault();
      el('error').textContent = '';
      token = el('token').value.trim(); office = Number(el('office').value); desk = Number(el('desk').value);
      try {
        await start();
        sessionStorage.setItem('termin-token', token); sessionStorage.setItem('termin-office', office); sessionStorage.setItem('termin-desk', desk);
      } catch (error) { fail(error); }
    });
    el('call-next').addEventListener('click', async () => {
      el('error').textContent = '';
      try {
        const called = await api('POST', '/v1/offices/' + office + '/desks/' + desk + '/call-next', undefined, token);
        if (!called) el('error').textContent = 'Zurzeit wartet niemand, der an diesen Schalter passt.';
        await refresh();
      } catch (error) { fail(error); }
    });
    for (const action of ['recall', 'serve', 'done', 'no-show', 'park']) {
      el(action).addEventListener('click', () => current && act(action, current.id));
    }
    el('redirect').addEventListener('click', () => {
      if (!current) return;
      const toDesk = Number(el('redirect-desk').value), toOffice = Number(el('redirect-office').value);
      act('redirect', current.id, toDesk > 0 ? { desk: toDesk } : { office: toOffice });
    });
    el('lookup').addEventListener('submit', async (event) => {
      event.preventDefault();
      el('error').textContent = '';
      try {
        looked = await api('GET', '/v1/offices/' + office + '/bookings/' + el('lookup-id').value.trim(), undefined, token);
        el('lookup-result').textContent = 'Termin ' + looked.start.substring(0, 10) + ' ' + clock(looked.start) + ' · '
          + concern(looked) + (looked.contact_name ? ' · ' + looked.contact_name : '') + ' · '
          + (looked.ticket ? 'eingecheckt als ' + looked.ticket.number : looked.status === 'confirmed' ? 'noch nicht eingecheckt' : looked.status);
        el('check-in').hidden = !!looked.ticket || looked.status !== 'confirmed';
      } catch (error) { el('lookup-result').textContent = ''; el('check-in').hidden = true; fail(error); }
    });
    el('check-in').addEventListener('click', async () => {
      try {
        const ticket = await api('POST', '/v1/offices/' + office + '/check-ins', { booking: looked.id }, token);
        el('lookup-result').textContent = 'Eingecheckt als ' + ticket.number + '.';
        el('check-in').hidden = true;
        await refresh();
      } catch (error) { fail(error); }
    });
    el('find-times').addEventListener('submit', async (event) => {
      event.preventDefault();
      el('error').textContent = ''; el('booked').textContent = '';
      const list = el('times'); clear(list);
      const day = el('book-date').value, service = el('book-service').value;
      try {
        const data = await api('GET', '/v1/availability?office=' + office + '&service=' + service + '&from=' + day + '&to=' + day + '&channel=staff');
        const starts = data.offices[0].days.flatMap((d) => d.starts);
        if (starts.length === 0) list.appendChild(text('li', 'An diesem Tag ist nichts mehr frei.'));
        for (const start of starts) {
          const item = document.createElement('li');
          const button = text('button', clock(start), 'secondary'); button.type = 'button';
          button.setAttribute('aria-label', 'Termin um ' + clock(start) + ' buchen');
          button.addEventListener('click', async () => {
            try {
              const name = el('book-name').value.trim();
              const booking = await api('POST', '/v1/bookings', { office, start, channel: 'staff', services: [{ id: Number(service) }],
                                                                  contact: name ? { name } : undefined }, token);
              el('booked').textContent = 'Gebucht: ' + clock(booking.start) + ' Uhr. Buchungsnummer ' + booking.id + ', Code ' + booking.code + '.';
              clear(list);
            } catch (error) { fail(error); }
          });
          item.appendChild(button);
          list.appendChild(item);
        }
      } catch (error) { fail(error); }
    });
    el('office').value = office; el('desk').value = desk;
    if (token) start().catch((error) => { sessionStorage.removeItem('termin-token'); token = ''; fail(error); });
    showCurrent();
    </script>
    </body>
    </html>
    """
}
