// GourmetGram upload page. Everything shown comes from the server or the user, so it is only ever
// set with textContent / value, never as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const form = $("upload-form"), input = $("file-input"), drop = $("drop-zone"), preview = $("preview");
  const button = $("upload-button"), result = $("result"), status = $("status");
  const predictionLine = $("prediction"), feedbackStatus = $("feedback-status");
  const correctionForm = $("correction-form"), correctionSelect = $("correction-select");
  let chosen = null, upload = null, events = null;

  fetch("/api/labels").then((r) => r.json()).then((labels) => {
    for (const label of labels) {
      const option = document.createElement("option");
      option.value = label;
      option.textContent = label;
      correctionSelect.appendChild(option);
    }
  });

  function choose(file) {
    if (!file) return;
    chosen = file;
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    $("drop-hint").textContent = file.name;
    button.disabled = false;
  }

  input.addEventListener("change", () => choose(input.files[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    choose(e.dataTransfer.files[0]);
  });

  function say(element, text, kind) {
    element.textContent = text;
    element.className = kind || "";
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || response.statusText;
    } catch (e) {
      return response.status + " " + response.statusText;
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!chosen) return;
    if (events) events.close();
    button.disabled = true;
    result.hidden = false;
    predictionLine.hidden = true;
    correctionForm.hidden = true;
    say(feedbackStatus, "");
    say(status, "Uploading…");
    const body = new FormData();
    body.append("file", chosen);
    const response = await fetch("/api/uploads", { method: "POST", body });
    button.disabled = false;
    if (response.status !== 202) {
      say(status, await problemText(response), "error");
      return;
    }
    upload = await response.json();
    say(status, "Uploaded. Classifying…");
    events = new EventSource(upload.eventsUrl);
    events.addEventListener("prediction", (message) => {
      events.close();
      show(JSON.parse(message.data).prediction);
    });
    events.onerror = () => {
      // The stream ends after its one event; fall back to asking once if it ended without one.
      events.close();
      fetch(upload.statusUrl + "?wait=10s").then((r) => r.json()).then((s) => {
        if (s.prediction) show(s.prediction);
        else say(status, "Still classifying; refresh in a moment.", "");
      });
    };
  });

  function show(prediction) {
    if (!prediction) return;
    say(status, "");
    $("predicted-label").textContent = prediction.label;
    $("predicted-confidence").textContent = (prediction.confidence * 100).toFixed(1) + "% confident";
    predictionLine.hidden = false;
    correctionForm.hidden = false;
    correctionSelect.value = prediction.label;
  }

  async function sendFeedback(path, body, done) {
    const response = await fetch(upload.statusUrl + path, {
      method: "POST",
      headers: { "X-Feedback-Token": upload.feedbackToken, "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : null,
    });
    if (response.status === 202) say(feedbackStatus, done, "ok");
    else say(feedbackStatus, await problemText(response), "error");
  }

  $("flag-button").addEventListener("click", () =>
    sendFeedback("/flag", null, "Thanks — we will have a person look at this photo."));
  correctionForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const label = correctionSelect.value;
    sendFeedback("/correction", { label }, "Thanks — recorded “" + label + "” as the right class.");
  });
})();
