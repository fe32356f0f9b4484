// The studio's editor: check and preview while typing, group operations without a page
// reload, formatting buttons, photo upload. The page works without it (plain form posts).
"use strict";
(function () {
  const form = document.getElementById("fiche");
  if (!form) return;
  const name = form.dataset.name;
  const base = "/fiche/" + encodeURIComponent(name);
  let timer = null;
  let running = false;
  let again = false;
  let changed = false; // a draft is kept only once the user has changed something

  function focusOn(id) {
    const el = document.getElementById("champ-" + id) || document.getElementById(id);
    if (!el) return;
    const target = el.matches("input, textarea, button") ? el : el.querySelector("input, textarea, button");
    (target || el).focus();
  }

  function schedule() {
    changed = true;
    clearTimeout(timer);
    timer = setTimeout(check, 700);
  }

  function fieldBox(label) {
    // the deepest input or group that exists for this field path
    let parts = (label || "").split("-");
    while (parts.length) {
      const box = document.getElementById("erreur-" + parts.join("-"));
      if (box) return box;
      parts.pop();
    }
    return null;
  }

  function showProblems(problems) {
    document.querySelectorAll(".error").forEach((el) => { el.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const summary = document.getElementById("resume");
    summary.textContent = "";
    if (!problems.length) return;
    const errors = problems.filter((p) => !p.warning).length;
    const title = document.createElement("h2");
    title.textContent = errors
      ? errors + (errors > 1 ? " erreurs à corriger" : " erreur à corriger")
      : problems.length + (problems.length > 1 ? " avertissements" : " avertissement");
    summary.appendChild(title);
    const list = document.createElement("ul");
    for (const p of problems) {
      const text = (p.warning ? "attention : " : "") + p.message;
      const box = fieldBox(p.label);
      if (box) {
        box.textContent = (box.textContent ? box.textContent + " " : "") + text;
        const input = document.getElementById("champ-" + box.id.slice(7));
        if (input && input.matches("input, textarea")) input.setAttribute("aria-invalid", "true");
      }
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#champ-" + (box ? box.id.slice(7) : p.label);
      link.textContent = (p.field ? p.field + " : " : "") + text;
      item.appendChild(link);
      list.appendChild(item);
    }
    summary.appendChild(list);
  }

  function showPages(result) {
    const status = document.getElementById("etat-apercu");
    const pages = document.getElementById("pages");
    if (!result.pages.length) {
      status.textContent = "Pas encore d'aperçu : corrigez les erreurs.";
      pages.textContent = "";
      return;
    }
    status.textContent = result.fresh
      ? "Aperçu à jour (" + result.pages.length + " page" + (result.pages.length > 1 ? "s" : "") + ", " + result.format + ")."
      : "Aperçu de la dernière version sans erreur : corrigez les erreurs pour le mettre à jour.";
    pages.classList.toggle("stale", !result.fresh);
    pages.textContent = "";
    result.pages.forEach((src, i) => {
      if (i === result.budget && result.pages.length > result.budget) {
        const mark = document.createElement("p");
        mark.className = "budget-end";
        mark.setAttribute("role", "note");
        mark.textContent = "Fin du budget : " + result.budget + " pages en " + result.format +
          ". La suite dépasse" + (result.over_field ? " (à partir de « " + result.over_field + " »)" : "") + ".";
        pages.appendChild(mark);
      }
      const figure = document.createElement("figure");
      if (i >= result.budget) figure.className = "over";
      const img = document.createElement("img");
      img.src = src;
      img.alt = "Page " + (i + 1) + " de l'aperçu";
      figure.appendChild(img);
      pages.appendChild(figure);
    });
  }

  async function check() {
    if (running) { again = true; return; }
    running = true;
    try {
      const body = new FormData(form);
      if (changed) body.set("_brouillon", "1");
      const response = await fetch(base + "/verifier", { method: "POST", body });
      if (response.ok) {
        const result = await response.json();
        showProblems(result.problems);
        showPages(result);
        document.body.dataset.checked = String(Date.now());
      }
    } finally {
      running = false;
      if (again) { again = false; check(); }
    }
  }

  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (!button || button.name !== "_op") return; // Enregistrer: a normal form post
    event.preventDefault();
    const body = new FormData(form);
    body.set("_op", button.value);
    const response = await fetch(base + "/operation", { method: "POST", body, headers: { "x-fragment": "1" } });
    if (!response.ok) return;
    const result = await response.json();
    document.getElementById("champs").innerHTML = result.html;
    focusOn(result.focus);
    changed = true;
    check();
  });

  form.addEventListener("input", schedule);
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio" || event.target.type === "checkbox") check();
  });
  document.querySelectorAll('input[form="fiche"]').forEach((el) => el.addEventListener("change", check));

  form.addEventListener("click", (event) => {
    const button = event.target.closest(".toolbar button");
    if (!button) return;
    const area = document.getElementById(button.parentElement.dataset.for);
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const chosen = area.value.slice(start, end) || "texte";
    let text;
    if (button.dataset.link !== undefined) {
      const address = window.prompt("Adresse du lien (https://…)", "https://");
      if (!address) return;
      text = "[" + chosen + "](" + address + ")";
    } else {
      text = button.dataset.wrap + chosen + button.dataset.wrap;
    }
    area.setRangeText(text, start, end, "select");
    area.focus();
    schedule();
  });

  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.dataset.photoFor) return;
    const target = document.getElementById(input.dataset.photoFor);
    const box = document.getElementById("erreur-" + input.dataset.photoFor.slice(6));
    const body = new FormData();
    body.append("photo", input.files[0]);
    const response = await fetch(base + "/photo", { method: "POST", body });
    const result = await response.json().catch(() => ({ erreur: "envoi refusé" }));
    if (!response.ok) { box.textContent = result.erreur; return; }
    target.value = result.photo;
    const img = document.getElementById("photo-" + input.dataset.photoFor.slice(6));
    img.src = "/fichier/" + encodeURIComponent(result.photo) + "?t=" + Date.now();
    img.hidden = false;
    changed = true;
    check();
  });

  if (form.dataset.focus) focusOn(form.dataset.focus);
  check();
})();
