/// The call display: the numbers called, large, with their desks; an audible cue and a spoken announcement
/// (`aria-live`) for each call. Follows `GET /v1/offices/{id}/calls` (server-sent events).
enum DisplayPage {
    static let html = """
    <!DOCTYPE html>
    <html lang="de">
    <head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Aufrufanzeige – Termin</title>
    <style>\(PageStyle.css)
    body { background: #0a1f33; color: #ffffff; }
    header { background: #0a1f33; border-bottom: 4px solid #ffbf47; }
    main { max-width: none; }
    #calls { list-style: none; padding: 0; margin: 0; }
    #calls li { display: flex; justify-content: space-between; font-size: 3rem; padding: 0.5rem 1rem; border-bottom: 2px solid #5d7a99; }
    #calls li:first-child { font-size: 6rem; font-weight: bold; color: #ffbf47; }
    #calls .desk::before { content: "Schalter "; font-size: 0.5em; }
    #summary { font-size: 1.5rem; color: #e8eef5; }
    #connection { color: #ffd6dc; }
    </style>
    </head>
    <body>
    <header><h1 id="office-name">Aufrufanzeige</h1></header>
    <main>
      <h2 class="visually-hidden">Aufgerufene Nummern</h2>
      <ol id="calls" aria-label="Zuletzt aufgerufen"></ol>
      <p id="summary"></p>
      <p id="connection" role="status"></p>
      <div id="announce" class="visually-hidden" aria-live="assertive" aria-atomic="true"></div>
    </main>
    <script>\(PageStyle.script)
    const office = officeFromQuery();
    const shown = 8;
    let audio;
    function chime() {
      try {
        audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        for (const [offset, pitch] of [[0, 880], [0.25, 660]]) {
          const tone = audio.createOscillator(), gain = audio.createGain();
          tone.frequency.value = pitch; gain.gain.value = 0.2;
          tone.connect(gain); gain.connect(audio.destination);
          tone.start(audio.currentTime + offset); tone.stop(audio.currentTime + offset + 0.2);
        }
      } catch (error) { /* no sound device: the display still shows the call */ }
    }
    function row(call) {
      const item = document.createElement('li');
      item.dataset.number = call.number;
      item.appendChild(text('span', call.number, 'number'));
      item.appendChild(text('span', String(call.desk), 'desk'));
      return item;
    }
    function show(call, announce) {
      const list = el('calls');
      for (const item of [...list.children]) if (item.dataset.number === call.number) item.remove();
      list.insertBefore(row(call), list.firstChild);
      while (list.children.length > shown) list.removeChild(list.lastChild);
      if (announce) { el('announce').textContent = 'Nummer ' + call.number + ' bitte zu Schalter ' + call.desk + '.'; chime(); }
    }
    // The queue leaves estimated_wait_minutes out when there is none (no walk-ins taken, or no desk serves before
    // closing): `== null` covers both absent and null.
    function summary(status) {
      const minutes = status.estimated_wait_minutes;
      const wait = !status.takes_walk_ins ? ' · Heute werden keine Nummern mehr ausgegeben.'
        : minutes == null ? ''
        : ' · geschätzte Wartezeit etwa ' + minutes + (minutes === 1 ? ' Minute' : ' Minuten');
      return 'Wartende ohne Termin: ' + status.waiting_walk_ins + wait;
    }
    async function refresh() {
      try {
        const status = await api('GET', '/v1/offices/' + office + '/queue');
        el('summary').textContent = summary(status);
        return status;
      } catch (error) { return null; }
    }
    (async () => {
      try { el('office-name').textContent = 'Aufrufanzeige – ' + (await api('GET', '/v1/offices/' + office)).display_name; } catch (error) {}
      const status = await refresh();
      if (status) for (const call of [...status.recent_calls].reverse()) show(call, false);
      const stream = new EventSource('/v1/offices/' + office + '/calls');
      stream.addEventListener('call', (event) => { show(JSON.parse(event.data), true); refresh(); });
      stream.addEventListener('open', () => { el('connection').textContent = ''; document.body.dataset.connected = 'true'; });
      stream.addEventListener('error', () => { el('connection').textContent = 'Verbindung unterbrochen – wird wiederhergestellt …'; });
      setInterval(refresh, 10000);
    })();
    </script>
    </body>
    </html>
    """
}
