// GourmetGram upload page. Everything shown comes from the server or the user, so it is rendered with
// textContent only (never innerHTML).
(() => {
  const form = document.getElementById('upload-form');
  const dropZone = document.getElementById('drop-zone');
  const dropHint = document.getElementById('drop-hint');
  const fileInput = document.getElementById('file-input');
  const preview = document.getElementById('preview');
  const uploadButton = document.getElementById('upload-button');
  const status = document.getElementById('status');
  const result = document.getElementById('result');
  const label = document.getElementById('label');
  const confidence = document.getElementById('confidence');
  const confirmButton = document.getElementById('confirm-button');
  const flagButton = document.getElementById('flag-button');
  const correction = document.getElementById('correction');
  const correctButton = document.getElementById('correct-button');
  const feedbackStatus = document.getElementById('feedback-status');

  let chosen = null;
  let upload = null; // {uploadId, statusUrl, eventsUrl, feedbackToken}
  let events = null;

  function say(element, text, kind) {
    element.textContent = text;
    element.className = kind || '';
  }

  // A problem JSON (RFC 9457) says what went wrong in "detail"; fall back to the status line.
  async function problemText(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `${response.status} ${response.statusText}`;
    } catch (e) {
      return `${response.status} ${response.statusText}`;
    }
  }

  function choose(file) {
    if (!file) return;
    chosen = file;
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    dropHint.hidden = true;
    uploadButton.disabled = false;
    result.hidden = true;
    say(status, `${file.name} (${Math.round(file.size / 1024)} KB) ready to upload.`);
  }

  fileInput.addEventListener('change', () => choose(fileInput.files[0]));
  ['dragenter', 'dragover'].forEach(type => dropZone.addEventListener(type, e => {
    e.preventDefault();
    dropZone.classList.add('dragging');
  }));
  ['dragleave', 'drop'].forEach(type => dropZone.addEventListener(type, e => {
    e.preventDefault();
    dropZone.classList.remove('dragging');
  }));
  dropZone.addEventListener('drop', e => choose(e.dataTransfer.files[0]));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!chosen) return;
    uploadButton.disabled = true;
    result.hidden = true;
    say(feedbackStatus, '');
    say(status, 'Uploading…');
    const body = new FormData();
    body.append('file', chosen);
    try {
      const response = await fetch('/api/uploads', {method: 'POST', body});
      if (response.status !== 202) {
        say(status, `Upload refused: ${await problemText(response)}`, 'error');
        return;
      }
      upload = await response.json();
      say(status, 'Uploaded. Waiting for the model…');
      listen(upload.eventsUrl);
    } catch (err) {
      say(status, `Upload failed: ${err.message}`, 'error');
    } finally {
      uploadButton.disabled = false;
    }
  });

  function listen(url) {
    if (events) events.close();
    events = new EventSource(url);
    events.addEventListener('prediction', e => {
      events.close();
      show(JSON.parse(e.data).prediction);
    });
    // EventSource reconnects by itself after a timeout; only a closed stream is worth telling.
    events.onerror = () => {
      if (events.readyState === EventSource.CLOSED) say(status, 'Lost the connection while waiting for the prediction.', 'error');
    };
  }

  function show(prediction) {
    label.textContent = prediction.label;
    confidence.textContent = `${(prediction.confidence * 100).toFixed(1)}% confident`;
    say(status, '');
    result.hidden = false;
  }

  async function sendFeedback(path, payload, doneText) {
    if (!upload) return;
    say(feedbackStatus, 'Sending…');
    try {
      const response = await fetch(`${upload.statusUrl}/${path}`, {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-Feedback-Token': upload.feedbackToken},
        body: JSON.stringify(payload),
      });
      if (response.status === 202) {
        say(feedbackStatus, doneText, 'ok');
      } else {
        say(feedbackStatus, `Not recorded: ${await problemText(response)}`, 'error');
      }
    } catch (err) {
      say(feedbackStatus, `Not recorded: ${err.message}`, 'error');
    }
  }

  // The classes are shown in a fresh random order on every page load: a fixed order makes the first
  // entries more likely to be picked. The order shown goes with the correction so analysts can check.
  let labelsShown = [];

  function shuffled(items) {
    const copy = items.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }

  confirmButton.addEventListener('click', () =>
    sendFeedback('confirm', {}, 'Thanks, we recorded that this prediction is right.'));
  flagButton.addEventListener('click', () =>
    sendFeedback('flag', {}, 'Thanks, we flagged this prediction as wrong.'));
  correctButton.addEventListener('click', () =>
    sendFeedback('correction', {label: correction.value, picker: {inputMethod: 'shuffled_list', labelsShown}},
      `Thanks, we recorded "${correction.value}" as the right class.`));

  fetch('/api/labels')
    .then(response => response.json())
    .then(body => {
      labelsShown = shuffled(body.labels);
      labelsShown.forEach(name => {
        const option = document.createElement('option');
        option.value = name;
        option.textContent = name;
        correction.appendChild(option);
      });
    })
    .catch(() => say(feedbackStatus, 'Could not load the list of classes.', 'error'));
})();
