// GourmetGram accuracy page: reads GET /api/accuracy and draws it with Chart.js. Everything from the
// server is rendered with textContent (never innerHTML). Fields are read defensively (?.) so records
// with added or missing fields still render.
(() => {
  const windowType = document.getElementById('window-type');
  const modelSelect = document.getElementById('model');
  const windowSelect = document.getElementById('window-start');
  const status = document.getElementById('status');
  const latest = document.getElementById('latest');
  const confusion = document.getElementById('confusion');
  const quality = document.getElementById('feedback-quality');
  const REFRESH_MS = 30000;
  const COLORS = {estimate: '#d2691e', band: 'rgba(210, 105, 30, 0.18)', random: '#1f6fb2', randomBand: 'rgba(31, 111, 178, 0.10)',
    bar: 'rgba(210, 105, 30, 0.45)', randomBar: 'rgba(31, 111, 178, 0.18)'};
  const REASON_COLORS = ['#1f6fb2', '#d2691e', '#b00020', '#2e7d32', '#7b1fa2', '#777'];

  let windowsByModel = new Map();

  const pct = x => (x === null || x === undefined) ? '—' : `${(x * 100).toFixed(1)} %`;
  // The production estimate; records written before it existed carry only the weighted (Hájek) one.
  const production = w => w.production ?? w.weighted;
  const modelName = w => w.model ? `${w.model.id}:${w.model.version}` : 'unknown';
  const startLabel = w => (w.windowStart || '').replace('T', ' ').replace(/:00(\.0+)?Z$/, ' UTC');

  // "insufficient": too few labels for an honest figure yet; the record says how many it has.
  function estimateText(e) {
    if (!e) return '—';
    if (e.insufficient || e.accuracy == null) return `insufficient labels so far (${e.sampleSize ?? 0})`;
    return `${pct(e.accuracy)} (95 % ${pct(e.lower)} – ${pct(e.upper)})`;
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  const estimateChart = new Chart(document.getElementById('estimate-chart'), {
    type: 'line',
    data: {labels: [], datasets: [
      {label: 'Production estimate, 95 % upper', data: [], borderWidth: 0, pointRadius: 0, backgroundColor: COLORS.band, fill: '+1'},
      {label: 'Production estimate, 95 % lower', data: [], borderWidth: 0, pointRadius: 0, fill: false},
      {label: 'Production estimate', data: [], borderColor: COLORS.estimate, backgroundColor: COLORS.estimate, fill: false},
      {label: 'Random sample, 95 % upper', data: [], borderWidth: 0, pointRadius: 0, backgroundColor: COLORS.randomBand, fill: '+1'},
      {label: 'Random sample, 95 % lower', data: [], borderWidth: 0, pointRadius: 0, fill: false},
      {label: 'Random sample', data: [], borderColor: COLORS.random, backgroundColor: COLORS.random, borderDash: [6, 4], fill: false},
      // the same intervals as floating bars, so that a window with no neighbour still shows its band
      {type: 'bar', label: 'Production estimate, 95 % interval', data: [], backgroundColor: COLORS.bar, grouped: false,
        barPercentage: 0.12, categoryPercentage: 1},
      {type: 'bar', label: 'Random sample, 95 % interval', data: [], backgroundColor: COLORS.randomBar, grouped: false,
        barPercentage: 0.3, categoryPercentage: 1},
    ]},
    options: {
      maintainAspectRatio: false, animation: false, spanGaps: true,
      scales: {y: {min: 0, max: 1, ticks: {callback: v => `${Math.round(v * 100)} %`}}},
      plugins: {
        legend: {labels: {filter: item => !item.text.includes('95 %')}},
        tooltip: {callbacks: {label: ctx => Array.isArray(ctx.raw)
          ? `${ctx.dataset.label}: ${pct(ctx.raw[0])} – ${pct(ctx.raw[1])}` : `${ctx.dataset.label}: ${pct(ctx.parsed.y)}`}},
      },
    },
  });

  const reasonChart = new Chart(document.getElementById('reason-chart'), {
    type: 'bar',
    data: {labels: [], datasets: []},
    options: {maintainAspectRatio: false, animation: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}},
  });

  async function load() {
    say('Loading…');
    try {
      const response = await fetch(`/api/accuracy?window=${encodeURIComponent(windowType.value)}`);
      if (!response.ok) {
        let detail = `${response.status} ${response.statusText}`;
        try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
        say(`Could not load the accuracy windows: ${detail}`, 'error');
        return;
      }
      const windows = await response.json();
      windowsByModel = new Map();
      windows.forEach(w => {
        const name = modelName(w);
        if (!windowsByModel.has(name)) windowsByModel.set(name, []);
        windowsByModel.get(name).push(w);
      });
      windowsByModel.forEach(list => list.sort((a, b) => (a.windowStart < b.windowStart ? -1 : 1)));
      fillModels();
      say(windows.length ? '' : 'No labelled windows yet: accuracy appears once annotators have labelled uploads.');
      render();
    } catch (err) {
      say(`Could not load the accuracy windows: ${err.message}`, 'error');
    }
  }

  function fillModels() {
    const chosen = modelSelect.value;
    modelSelect.replaceChildren();
    [...windowsByModel.keys()].sort().forEach(name => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      modelSelect.appendChild(option);
    });
    if (windowsByModel.has(chosen)) modelSelect.value = chosen;
  }

  function render() {
    const list = windowsByModel.get(modelSelect.value) || [];
    const labels = list.map(startLabel);
    const series = [
      w => production(w)?.upper, w => production(w)?.lower, w => production(w)?.accuracy,
      w => w.randomStratum?.upper, w => w.randomStratum?.lower, w => w.randomStratum?.accuracy,
    ];
    estimateChart.data.labels = labels;
    series.forEach((pick, i) => { estimateChart.data.datasets[i].data = list.map(w => pick(w) ?? null); });
    const interval = pick => list.map(w => (pick(w)?.lower != null && pick(w)?.upper != null
      ? [pick(w).lower, pick(w).upper] : null));
    estimateChart.data.datasets[6].data = interval(production);
    estimateChart.data.datasets[7].data = interval(w => w.randomStratum);
    estimateChart.update();

    const reasons = [...new Set(list.flatMap(w => Object.keys(w.byReason || {})))].sort();
    reasonChart.data.labels = labels;
    reasonChart.data.datasets = reasons.map((reason, i) => ({
      label: reason, backgroundColor: REASON_COLORS[i % REASON_COLORS.length],
      data: list.map(w => w.byReason?.[reason]?.labelled ?? 0),
    }));
    reasonChart.update();

    const last = list[list.length - 1];
    latest.textContent = last
      ? `Latest window (${startLabel(last)}): production estimate ${estimateText(production(last))},`
        + ` random sample ${pct(last.randomStratum?.accuracy)}, ${last.labelled ?? 0} labelled`
      : '';

    const chosen = windowSelect.value;
    windowSelect.replaceChildren();
    list.forEach((w, i) => {
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = `${startLabel(w)} (${w.labelled ?? 0} labelled)`;
      windowSelect.appendChild(option);
    });
    windowSelect.value = chosen && Number(chosen) < list.length ? chosen : String(list.length - 1);
    renderWindow(list[Number(windowSelect.value)]);
  }

  function cell(tag, text, className) {
    const element = document.createElement(tag);
    element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  function renderWindow(w) {
    confusion.replaceChildren();
    quality.replaceChildren();
    if (!w) return;
    const matrix = w.confusion || {};
    const classes = [...new Set(Object.keys(matrix).concat(...Object.values(matrix).map(Object.keys)))].sort();
    const head = document.createElement('tr');
    head.appendChild(cell('th', 'human \\ model'));
    classes.forEach(c => head.appendChild(cell('th', c)));
    confusion.appendChild(head);
    classes.forEach(truth => {
      const row = document.createElement('tr');
      row.appendChild(cell('th', truth));
      classes.forEach(predicted => {
        const count = matrix[truth]?.[predicted] ?? 0;
        row.appendChild(cell('td', count ? String(count) : '', truth === predicted && count ? 'hit' : ''));
      });
      confusion.appendChild(row);
    });

    const rates = [
      ['Corrections matching the annotator', w.correctionAgreement],
      ['Flags the annotator agreed were wrong (flag precision)', w.flagPrecision],
      ['Confirmations the annotator found right (user reliability)', w.userReliability],
    ];
    const header = document.createElement('tr');
    header.append(cell('th', ''), cell('th', 'share'), cell('th', 'of'));
    quality.appendChild(header);
    rates.forEach(([name, rate]) => {
      const row = document.createElement('tr');
      row.append(cell('th', name), cell('td', pct(rate?.rate)), cell('td', String(rate?.total ?? 0)));
      quality.appendChild(row);
    });
  }

  windowType.addEventListener('change', load);
  modelSelect.addEventListener('change', render);
  windowSelect.addEventListener('change', () => renderWindow((windowsByModel.get(modelSelect.value) || [])[Number(windowSelect.value)]));
  document.getElementById('refresh').addEventListener('click', load);
  setInterval(load, REFRESH_MS);
  load();
})();
