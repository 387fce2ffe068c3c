import TerminCore

/// The page for helpers and intermediaries (`/assist`): find a time for the person in front of you or on the phone
/// (by concern, language, kind of place, step-free access), book it on their behalf in the staff channel, and read out
/// or print the confirmation with the booking's number and code. German and English (the language switch changes the
/// page's own text and `lang`); every step works by keyboard alone.
enum AssistPage {
    static let html = """
    <!DOCTYPE html>
    <html lang="de">
    <head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Hilfe buchen – Termin</title>
    <style>\(PageStyle.css)
    .panel { border: 2px solid var(--line); padding: 1rem; margin: 1rem 0; }
    fieldset { border: 2px solid var(--line); margin: 0.75rem 0; padding: 0.5rem 1rem; }
    legend { font-weight: bold; }
    fieldset label, .check label { display: inline; font-weight: normal; margin: 0 1rem 0 0.25rem; }
    input[type=checkbox] { width: 1.5rem; height: 1.5rem; min-height: 0; vertical-align: middle; }
    .times { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
    #confirmation { border: 4px solid var(--brand); padding: 1rem; }
    #confirmation dt { font-weight: bold; }
    #confirmation dd { margin: 0 0 0.5rem 0; font-size: 1.25rem; }
    @media print { header, form, #results, #switch-language, #who, .no-print { display: none !important; } #confirmation { border: none; } }
    </style>
    </head>
    <body>
    <header><h1 data-t="title">Hilfe buchen</h1></header>
    <main>
      <p><button id="switch-language" type="button" class="secondary" lang="en">English</button></p>
      <form id="login" class="panel" aria-labelledby="login-heading">
        <h2 id="login-heading" data-t="login">Anmelden</h2>
        <label for="token" data-t="token">Zugangsschlüssel</label>
        <input id="token" type="password" autocomplete="off" required size="66">
        <p><button type="submit" data-t="signIn">Anmelden</button></p>
      </form>
      <div id="work" hidden>
        <p id="who" class="muted"></p>
        <form id="find" class="panel" aria-labelledby="find-heading">
          <h2 id="find-heading" data-t="find">Termin suchen</h2>
          <label for="service" data-t="concern">Anliegen</label>
          <select id="service" required></select>
          <label for="language" data-t="language">Sprache der Hilfe</label>
          <select id="language"></select>
          <fieldset>
            <legend data-t="kinds">Art der Hilfe</legend>
            <input type="checkbox" id="kind-help_desk" value="help_desk" checked> <label for="kind-help_desk" data-t="helpDesk">Beratungsstelle</label>
            <input type="checkbox" id="kind-mobile" value="mobile" checked> <label for="kind-mobile" data-t="mobile">Mobiles Bürgerbüro</label>
            <input type="checkbox" id="kind-phone" value="phone" checked> <label for="kind-phone" data-t="phone">Rückruf</label>
          </fieldset>
          <p class="check"><input type="checkbox" id="step-free"> <label for="step-free" data-t="stepFree">Stufenlos erreichbar</label></p>
          <label for="from" data-t="from">Von</label>
          <input id="from" type="date" required>
          <label for="to" data-t="to">Bis</label>
          <input id="to" type="date" required>
          <p><button type="submit" data-t="search">Suchen</button></p>
        </form>
        <section id="results" class="panel" aria-labelledby="results-heading" hidden>
          <h2 id="results-heading" data-t="results" tabindex="-1">Freie Zeiten</h2>
          <p id="results-status" aria-live="polite"></p>
          <div id="places"></div>
        </section>
        <form id="book" class="panel" aria-labelledby="book-heading" hidden>
          <h2 id="book-heading" data-t="book" tabindex="-1">Für die Person buchen</h2>
          <p id="chosen"></p>
          <label for="name" data-t="name">Name</label>
          <input id="name" autocomplete="off" size="40">
          <label for="email" data-t="email">E-Mail (für die Bestätigung, freiwillig)</label>
          <input id="email" type="email" autocomplete="off" size="40">
          <label for="phone" data-t="phoneNumber">Telefonnummer (für einen Rückruf nötig)</label>
          <input id="phone" type="tel" autocomplete="off" size="20">
          <p class="actions"><button type="submit" data-t="confirm">Verbindlich buchen</button>
            <button id="cancel-choice" type="button" class="secondary" data-t="back">Andere Zeit wählen</button></p>
        </form>
        <section id="confirmation" aria-labelledby="confirmation-heading" hidden tabindex="-1">
          <h2 id="confirmation-heading" data-t="booked">Gebucht</h2>
          <dl>
            <dt data-t="where">Ort</dt><dd id="c-place"></dd>
            <dt data-t="when">Zeit</dt><dd id="c-time"></dd>
            <dt data-t="number">Buchungsnummer</dt><dd id="c-id"></dd>
            <dt data-t="code">Code (zum Ändern oder Absagen)</dt><dd id="c-code"></dd>
          </dl>
          <p id="c-read" class="muted"></p>
          <p class="no-print"><button id="print" type="button" data-t="print">Drucken</button>
            <button id="next-person" type="button" class="secondary" data-t="next">Nächste Person</button></p>
        </section>
      </div>
      <p id="error" class="error" role="alert"></p>
    </main>
    <script>\(PageStyle.script)
    const words = {
      de: { title: 'Hilfe buchen', login: 'Anmelden', token: 'Zugangsschlüssel', signIn: 'Anmelden', find: 'Termin suchen',
            concern: 'Anliegen', language: 'Sprache der Hilfe', kinds: 'Art der Hilfe', helpDesk: 'Beratungsstelle',
            mobile: 'Mobiles Bürgerbüro', phone: 'Rückruf', stepFree: 'Stufenlos erreichbar', from: 'Von', to: 'Bis',
            search: 'Suchen', results: 'Freie Zeiten', book: 'Für die Person buchen', name: 'Name',
            email: 'E-Mail (für die Bestätigung, freiwillig)', phoneNumber: 'Telefonnummer (für einen Rückruf nötig)',
            confirm: 'Verbindlich buchen', back: 'Andere Zeit wählen', booked: 'Gebucht', where: 'Ort', when: 'Zeit',
            number: 'Buchungsnummer', code: 'Code (zum Ändern oder Absagen)', print: 'Drucken', next: 'Nächste Person',
            any: 'egal', found: n => n === 0 ? 'Keine freie Zeit gefunden.' : n + ' freie Zeiten gefunden.',
            book1: 'Buchen:', callBack: 'Wir rufen an unter', signedIn: 'Angemeldet als', switchTo: 'English',
            read: (place, time, id, code) => 'Ihr Termin: ' + time + ', ' + place + '. Buchungsnummer ' + id + ', Code ' + code + '.' },
      en: { title: 'Book help', login: 'Sign in', token: 'Access token', signIn: 'Sign in', find: 'Find a time',
            concern: 'Concern', language: 'Language of the help', kinds: 'Kind of help', helpDesk: 'Help desk',
            mobile: 'Mobile office', phone: 'Call-back', stepFree: 'Step-free access', from: 'From', to: 'To',
            search: 'Search', results: 'Free times', book: 'Book for the person', name: 'Name',
            email: 'E-mail (for the confirmation, optional)', phoneNumber: 'Phone number (needed for a call-back)',
            confirm: 'Book', back: 'Choose another time', booked: 'Booked', where: 'Place', when: 'Time',
            number: 'Booking number', code: 'Code (to change or cancel)', print: 'Print', next: 'Next person',
            any: 'any', found: n => n === 0 ? 'No free time found.' : n + ' free times found.',
            book1: 'Book:', callBack: 'We will call', signedIn: 'Signed in as', switchTo: 'Deutsch',
            read: (place, time, id, code) => 'Your appointment: ' + time + ', ' + place + '. Booking number ' + id + ', code ' + code + '.' }
    };
    let lang = 'de', token = '', places = {}, chosen = null;
    const codes = [\(SpokenLanguage.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))];
    function t(key) { return words[lang][key]; }
    function applyLanguage() {
      document.documentElement.lang = lang;
      document.title = t('title') + ' – Termin';
      for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
      el('switch-language').textContent = t('switchTo');
      el('switch-language').lang = lang === 'de' ? 'en' : 'de';
      const names = new Intl.DisplayNames([lang], { type: 'language' });
      const current = el('language').value;
      clear(el('language'));
      const any = text('option', t('any')); any.value = ''; el('language').appendChild(any);
      for (const code of codes) { const option = text('option', names.of(code)); option.value = code; el('language').appendChild(option); }
      el('language').value = current;
    }
    function when(iso) {
      return new Date(iso).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB',
        { timeZone: 'Europe/Berlin', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
    }
    function kinds() { return ['help_desk', 'mobile', 'phone'].filter(kind => el('kind-' + kind).checked); }
    async function loadConcerns() {
      const data = await api('GET', '/v1/offices?kind=help_desk,mobile,phone');
      places = {}; const offered = new Set();
      for (const place of data.offices) { places[place.id] = place; for (const s of place.services) offered.add(s.id); }
      const services = (await api('GET', '/v1/services')).services.filter(s => offered.has(s.id));
      clear(el('service'));
      for (const service of services) {
        const option = text('option', lang === 'en' && service.name_en ? service.name_en : service.name_de);
        option.value = service.id; el('service').appendChild(option);
      }
    }
    async function search() {
      el('error').textContent = '';
      const service = Number(el('service').value), wanted = kinds();
      let query = '&service=' + service + '&from=' + el('from').value + '&to=' + el('to').value + '&channel=staff';
      if (el('language').value) query += '&languages=' + el('language').value;
      if (el('step-free').checked) query += '&needs=wheelchair';
      const list = el('places'); clear(list);
      let count = 0;
      const candidates = Object.values(places).filter(p => wanted.includes(p.kind) && p.services.some(s => s.id === service));
      for (const place of candidates) {
        let data;
        try { data = await api('GET', '/v1/availability?office=' + place.id + query); } catch (error) {
          if (error.status === 422) continue; throw error;   // nobody there helps in that language, or no step-free desk
        }
        const starts = data.offices[0].days.flatMap(day => day.starts);
        if (starts.length === 0) continue;
        count += starts.length;
        const heading = text('h3', place.display_name + (place.kind === 'phone' ? '' : ' – ' + place.address.street + ' ' + place.address.house_number));
        const times = document.createElement('ul'); times.className = 'times';
        for (const start of starts.slice(0, 12)) {
          const item = document.createElement('li');
          const button = text('button', when(start)); button.type = 'button'; button.className = 'secondary';
          button.setAttribute('aria-label', t('book1') + ' ' + place.display_name + ', ' + when(start));
          button.addEventListener('click', () => choose(place, start, service));
          item.appendChild(button); times.appendChild(item);
        }
        list.appendChild(heading); list.appendChild(times);
      }
      el('results-status').textContent = t('found')(count);
      el('results').hidden = false;
      el('results-heading').focus();
    }
    function choose(place, start, service) {
      chosen = { place, start, service };
      el('chosen').textContent = place.display_name + ', ' + when(start);
      el('phone').required = place.kind === 'phone';
      el('book').hidden = false;
      el('book-heading').focus();
    }
    async function book() {
      el('error').textContent = '';
      const contact = {};
      if (el('name').value.trim()) contact.name = el('name').value.trim();
      if (el('email').value.trim()) contact.email = el('email').value.trim();
      if (el('phone').value.trim()) contact.phone = el('phone').value.replace(/[\\s\\/()-]/g, '');
      contact.language = lang;
      const booking = await api('POST', '/v1/bookings', { office: chosen.place.id, start: chosen.start, channel: 'staff',
        services: [{ id: chosen.service, quantity: 1 }], contact }, token);
      const place = chosen.place.display_name + (chosen.place.kind === 'phone' ? ' (' + t('callBack') + ' ' + contact.phone + ')'
        : ', ' + chosen.place.address.street + ' ' + chosen.place.address.house_number + ', ' + chosen.place.address.postal_code + ' ' + chosen.place.address.city);
      el('c-place').textContent = place;
      el('c-time').textContent = when(booking.start);
      el('c-id').textContent = booking.id;
      el('c-code').textContent = booking.code;
      el('c-read').textContent = t('read')(place, when(booking.start), booking.id, booking.code);
      el('book').hidden = true; el('results').hidden = true;
      el('confirmation').hidden = false;
      el('confirmation').focus();
    }
    function guarded(action) {
      return async (event) => { if (event) event.preventDefault(); try { await action(); } catch (error) { el('error').textContent = error.message; } };
    }
    el('login').addEventListener('submit', guarded(async () => {
      token = el('token').value.trim();
      const me = await api('GET', '/v1/staff/me', undefined, token);
      el('who').textContent = t('signedIn') + ' ' + me.name + ' (' + me.role + ')';
      el('login').hidden = true; el('work').hidden = false;
      await loadConcerns();
      el('service').focus();
    }));
    el('find').addEventListener('submit', guarded(search));
    el('book').addEventListener('submit', guarded(book));
    el('cancel-choice').addEventListener('click', () => { el('book').hidden = true; el('results-heading').focus(); });
    el('print').addEventListener('click', () => window.print());
    el('next-person').addEventListener('click', () => {
      el('confirmation').hidden = true; el('book').reset(); el('places').textContent = ''; el('service').focus();
    });
    el('switch-language').addEventListener('click', guarded(async () => {
      lang = lang === 'de' ? 'en' : 'de'; applyLanguage(); if (token) await loadConcerns();
    }));
    const today = new Date(); const later = new Date(today.getTime() + 13 * 86400000);
    el('from').value = today.toISOString().slice(0, 10); el('to').value = later.toISOString().slice(0, 10);
    applyLanguage();
    </script>
    </body>
    </html>
    """
}
