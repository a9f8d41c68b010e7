// "Projet lié" / "Différent" on a look-alike: remembered in the form, stored when it is saved.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-decision]");
  if (!button) return;
  const form = button.closest("form");
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = button.dataset.decision;
  input.value = button.dataset.project;
  form.appendChild(input);
  const item = button.closest("li");
  item.classList.add("decided");
  item.querySelector(".decision-state").textContent = button.dataset.label;
  item.querySelectorAll("[data-decision]").forEach((other) => { other.disabled = true; });
});
