// The gallery's search and filters: plain DOM, no library, no network. Without JavaScript the form stays hidden
// and every card is listed.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var search = form.querySelector("[name=q]");
  var notebook = form.querySelector("[name=notebook]");
  var country = form.querySelector("[name=country]");
  var theme = form.querySelector("[name=theme]");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute("data-search") || "";
      var countries = " " + (card.getAttribute("data-countries") || "") + " ";
      var visible = words.every(function (word) { return text.indexOf(word) >= 0; }) &&
        (!notebook.value || card.getAttribute("data-notebook") === notebook.value) &&
        (!country.value || countries.indexOf(" " + country.value + " ") >= 0) &&
        (!theme.value || card.getAttribute("data-theme") === theme.value);
      card.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count === cards.length ? "Showing all " + count + " reports."
      : "Showing " + count + " of " + cards.length + " reports.";
    empty.hidden = count !== 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
}());
