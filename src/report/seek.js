// mockview report: a click on a transcript word plays its recording (the
// answer's, or the follow-up reply's) from there.
// Allowed by the page's Content-Security-Policy through its SHA-256 hash
// (src/report/transcript.rs): change one byte here and update the hash.
document.documentElement.dataset.seek = "ready";
document.addEventListener("click", function (event) {
  var word = event.target.closest("[data-t]");
  var section = word && word.closest(".follow-up, section.answer");
  var audio = section && section.querySelector("audio");
  if (!audio) return;
  audio.currentTime = parseFloat(word.dataset.t);
  var playing = audio.play();
  if (playing) playing.catch(function () {});
});
