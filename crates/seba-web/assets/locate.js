// seba, "Find a centre": a "Use my location" button that asks the browser where the
// customer is, puts the position in the form's hidden lat/lon fields and sends the same
// GET form. Without this script (or without permission) the district picker does the job.
(function () {
  "use strict";
  var form = document.getElementById("finder");
  if (!form || !navigator.geolocation) return;
  var lat = form.elements.lat, lon = form.elements.lon;
  if (!lat || !lon) return;
  var areas = ["district", "upazila"];
  var note = document.createElement("span");
  note.setAttribute("role", "status");
  var button = document.createElement("button");
  button.type = "button";
  button.id = "locate";
  button.textContent = form.getAttribute("data-locate");
  button.addEventListener("click", function () {
    button.disabled = true;
    note.textContent = " " + form.getAttribute("data-locate-busy");
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(5);
      lon.value = pos.coords.longitude.toFixed(5);
      areas.forEach(function (n) { var el = form.elements[n]; if (el) el.value = ""; });
      form.submit();
    }, function () {
      button.disabled = false;
      note.textContent = " " + form.getAttribute("data-locate-failed");
    }, { timeout: 20000, maximumAge: 300000 });
  });
  // An area chosen by hand is searched from, not the last position found.
  areas.forEach(function (n) {
    var el = form.elements[n];
    if (el) el.addEventListener("change", function () { lat.value = ""; lon.value = ""; });
  });
  var p = document.createElement("p");
  p.appendChild(button);
  p.appendChild(note);
  form.insertBefore(p, form.firstChild);
})();
