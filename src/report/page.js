// mockview's page (`report` and `share`): a click on a transcript word, a
// pinned comment or the waveform plays that recording from there; the
// review form keeps its draft in this browser (localStorage, by session
// id), saves the review as a file the reviewer sends, or copies it.
// Nothing is sent anywhere: the page's Content-Security-Policy allows no
// connection at all. This script is allowed by its SHA-256 hash, computed
// when the page is written (src/report/page.rs).
(function () {
  "use strict";
  var body = document.body;
  var session = body.dataset.session;
  var draftKey = "mockview-review:" + session;
  var status = document.getElementById("review-status");

  function fail(message) {
    var box = document.getElementById("page-error");
    if (!box) return;
    box.hidden = false;
    box.textContent = "Something went wrong on this page: " + message;
  }
  window.addEventListener("error", function (e) { fail(e.message || "an error"); });
  document.addEventListener("securitypolicyviolation", function (e) {
    fail("the browser blocked " + (e.blockedURI || e.violatedDirective));
  });

  function say(text) { if (status) status.textContent = text; }

  // m:ss.s, and back (also plain seconds: "12.5").
  function clock(t) {
    var m = Math.floor(t / 60), s = t - 60 * m;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(1);
  }
  function parseClock(text) {
    var parts = String(text).trim().split(":"), t = 0;
    if (parts.length > 2) return NaN;
    for (var i = 0; i < parts.length; i++) {
      if (!/^\d+(\.\d*)?$/.test(parts[i])) return NaN;
      t = 60 * t + parseFloat(parts[i]);
    }
    return t;
  }

  function durationOf(rec) {
    var audio = rec.querySelector("audio");
    var d = audio && audio.duration;
    return isFinite(d) && d > 0 ? d : parseFloat(rec.dataset.duration) || 0;
  }
  function seek(rec, t, andPlay) {
    var audio = rec.querySelector("audio");
    if (!audio) return;
    audio.currentTime = t;
    if (andPlay) {
      var p = audio.play();
      if (p) p.catch(function () {});
    }
  }

  // --- The review form -------------------------------------------------
  var forms = Array.prototype.slice.call(document.querySelectorAll("fieldset.review-form"));
  var nameInput = document.getElementById("reviewer-name");
  var state = { reviewer: "", answers: {} };

  function answerState(n) {
    if (!state.answers[n]) state.answers[n] = { scores: {}, notes: "", comments: [] };
    return state.answers[n];
  }
  function formOf(n) {
    for (var i = 0; i < forms.length; i++) if (forms[i].dataset.answer === String(n)) return forms[i];
    return null;
  }
  function sectionOf(n) { return document.getElementById("answer-" + n); }
  // The recording of answer n a comment is on: its own (follow-up null) or a reply.
  function recordingOf(n, followUp) {
    var s = sectionOf(n);
    if (!s) return null;
    return s.querySelector(followUp == null ? ".recording[data-own]"
      : ".recording[data-follow-up=\"" + followUp + "\"]");
  }

  function saveDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify(state));
    } catch (e) {
      say("This browser does not keep a draft (" + e.name + "): save the review before closing.");
    }
  }

  function drawComments(n) {
    var form = formOf(n);
    if (!form) return;
    var list = form.querySelector("ol.comments");
    var a = answerState(n);
    list.textContent = "";
    var s = sectionOf(n);
    Array.prototype.forEach.call(s.querySelectorAll(".pin.mine"), function (p) { p.remove(); });
    a.comments.forEach(function (c, i) {
      var li = document.createElement("li");
      var at = document.createElement("button");
      at.type = "button";
      at.className = "at";
      at.textContent = clock(c.seconds) + (c.follow_up != null ? " (follow-up " + c.follow_up + ")" : "");
      at.dataset.t = c.seconds.toFixed(2);
      li.appendChild(at);
      li.appendChild(document.createTextNode(" " + c.text + " "));
      var rm = document.createElement("button");
      rm.type = "button";
      rm.className = "remove";
      rm.textContent = "remove";
      rm.addEventListener("click", function () {
        a.comments.splice(i, 1);
        drawComments(n);
        saveDraft();
      });
      li.appendChild(rm);
      list.appendChild(li);
      var rec = recordingOf(n, c.follow_up);
      var box = rec && rec.querySelector(".wave-box");
      if (box) {
        var pin = document.createElement("button");
        pin.type = "button";
        pin.className = "pin mine";
        pin.dataset.t = c.seconds.toFixed(2);
        pin.title = clock(c.seconds) + " " + c.text;
        pin.style.left = Math.min(100, 100 * c.seconds / (durationOf(rec) || 1)) + "%";
        box.appendChild(pin);
      }
    });
  }

  // Where the next comment of answer n goes: the recording last played or
  // clicked in its section, and the time in its "at" field.
  var active = {};
  function setAt(n, rec, t) {
    var form = formOf(n);
    if (!form) return;
    active[n] = rec;
    var at = form.querySelector("input.comment-at");
    if (!at.dataset.edited) at.value = clock(t);
    var where = form.querySelector(".comment-where");
    where.textContent = rec.dataset.followUp ? "in follow-up " + rec.dataset.followUp : "in the answer";
  }

  function addComment(n) {
    var form = formOf(n);
    var at = form.querySelector("input.comment-at");
    var text = form.querySelector("input.comment-text");
    var rec = active[n] || recordingOf(n, null);
    var t = parseClock(at.value);
    var words = text.value.trim();
    if (!words) { text.focus(); return; }
    if (!isFinite(t) || t < 0 || t > durationOf(rec) + 0.05) {
      say("Answer " + n + ": " + at.value + " is not a moment of the recording (0:00.0 to " +
        clock(durationOf(rec)) + ")");
      at.focus();
      return;
    }
    var c = { seconds: Math.round(t * 100) / 100, text: words };
    if (rec.dataset.followUp) c.follow_up = parseInt(rec.dataset.followUp, 10);
    var a = answerState(n);
    a.comments.push(c);
    a.comments.sort(function (x, y) { return (x.follow_up || 0) - (y.follow_up || 0) || x.seconds - y.seconds; });
    text.value = "";
    delete at.dataset.edited;
    drawComments(n);
    saveDraft();
    say("Comment added at " + clock(c.seconds) + ".");
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { saved = null; }
    if (saved && typeof saved === "object" && saved.answers) state = saved;
    if (nameInput) nameInput.value = state.reviewer || "";
    forms.forEach(function (form) {
      var n = form.dataset.answer;
      var a = answerState(n);
      Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]"), function (r) {
        r.checked = a.scores[r.dataset.key] === parseInt(r.value, 10);
      });
      form.querySelector("textarea.notes").value = a.notes || "";
      drawComments(n);
    });
  }

  function review() {
    var answers = [];
    forms.forEach(function (form) {
      var n = form.dataset.answer;
      var a = answerState(n);
      var notes = (a.notes || "").trim();
      if (!Object.keys(a.scores).length && !notes && !a.comments.length) return;
      answers.push({ number: parseInt(n, 10), question_id: form.dataset.question,
        scores: a.scores, notes: notes, comments: a.comments });
    });
    return {
      format: "mockview-review", version: 1, session: session,
      session_started_at: body.dataset.started, reviewer: state.reviewer.trim(),
      saved_at: new Date().toISOString(), answers: answers
    };
  }
  function fileName() {
    var slug = state.reviewer.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return "review-" + session + "-" + (slug || "reviewer") + ".json";
  }
  function ready() {
    if (state.reviewer.trim()) return true;
    say("Type your name first: it goes with your review.");
    nameInput.focus();
    return false;
  }

  forms.forEach(function (form) {
    var n = form.dataset.answer;
    form.addEventListener("change", function (e) {
      var r = e.target;
      if (r.type === "radio") {
        answerState(n).scores[r.dataset.key] = parseInt(r.value, 10);
        saveDraft();
      }
    });
    form.querySelector("textarea.notes").addEventListener("input", function (e) {
      answerState(n).notes = e.target.value;
      saveDraft();
    });
    form.querySelector("input.comment-at").addEventListener("input", function (e) {
      e.target.dataset.edited = "1";
    });
    form.querySelector("button.add-comment").addEventListener("click", function () { addComment(n); });
    form.querySelector("input.comment-text").addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); addComment(n); }
    });
  });

  if (nameInput) {
    nameInput.addEventListener("input", function () {
      state.reviewer = nameInput.value;
      saveDraft();
    });
    document.getElementById("save-review").addEventListener("click", function () {
      if (!ready()) return;
      var text = JSON.stringify(review(), null, 1);
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      a.download = fileName();
      document.body.appendChild(a);
      a.click();
      a.remove();
      say("Saved " + a.download + " (" + Math.ceil(text.length / 1024) +
        " KB). Send that file back; it is all the review.");
    });
    document.getElementById("copy-review").addEventListener("click", function () {
      if (!ready()) return;
      var text = JSON.stringify(review());
      var done = function () { say("Copied the review: paste it into a chat or an email."); };
      var fallback = function () {
        var box = document.getElementById("review-text");
        box.hidden = false;
        box.value = text;
        box.select();
        if (document.execCommand && document.execCommand("copy")) done();
        else say("Copy the text below (Ctrl+C), then paste it into a chat or an email.");
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  // --- Players ---------------------------------------------------------
  function answerNumberOf(el) {
    var s = el.closest("section.answer");
    return s && s.dataset.answer;
  }
  Array.prototype.forEach.call(document.querySelectorAll(".recording"), function (rec) {
    var audio = rec.querySelector("audio");
    var n = answerNumberOf(rec);
    if (!audio || !n) return;
    audio.addEventListener("timeupdate", function () { setAt(n, rec, audio.currentTime); });
    audio.addEventListener("play", function () { setAt(n, rec, audio.currentTime); });
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var word = target.closest("[data-t]");
    var rec = target.closest(".recording");
    if (word && rec) {
      var t = parseFloat(word.dataset.t);
      seek(rec, t, true);
      setAt(answerNumberOf(rec), rec, t);
      return;
    }
    if (word && word.closest("fieldset.review-form")) {
      // A comment's time in the form's list: its recording.
      var n = answerNumberOf(word);
      var c = answerState(n).comments.filter(function (x) { return x.seconds.toFixed(2) === word.dataset.t; })[0];
      var r = recordingOf(n, c ? c.follow_up : null);
      if (r) seek(r, parseFloat(word.dataset.t), true);
      return;
    }
    var box = target.closest(".wave-box");
    if (box && rec) {
      var rect = box.getBoundingClientRect();
      var at = Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width)) * durationOf(rec);
      seek(rec, at, false);
      var m = answerNumberOf(rec);
      var form = formOf(m);
      if (form) {
        delete form.querySelector("input.comment-at").dataset.edited;
        setAt(m, rec, at);
        form.querySelector("input.comment-text").focus();
      }
    }
  });

  // "c" while listening: a comment at this moment of what is playing.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "c" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    var playing = Array.prototype.filter.call(document.querySelectorAll(".recording audio"),
      function (a) { return !a.paused; })[0];
    if (!playing) return;
    var rec = playing.closest(".recording");
    var n = answerNumberOf(rec);
    var form = formOf(n);
    if (!form) return;
    e.preventDefault();
    delete form.querySelector("input.comment-at").dataset.edited;
    setAt(n, rec, playing.currentTime);
    form.querySelector("input.comment-at").dataset.edited = "1";
    form.querySelector("input.comment-text").focus();
  });

  // Ogg Opus (the shared page's audio) does not play in older Safari.
  var embedded = document.querySelector("audio[data-codec]");
  if (embedded && !embedded.canPlayType(embedded.dataset.codec)) {
    document.getElementById("no-opus").hidden = false;
  }

  restore();
  document.documentElement.dataset.seek = "ready";
})();
