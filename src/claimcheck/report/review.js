// claimcheck's review page: sort and filter the claims, open their evidence. Without this
// script the page shows every claim with its evidence open, as it does printed.
"use strict";
(() => {
  const table = document.getElementById("claims");
  if (!table) {
    return;
  }
  const claims = Array.from(table.tBodies);
  const toggles = Array.from(table.querySelectorAll("button.toggle"));
  const shown = document.getElementById("shown");
  const filter = document.getElementById("status-filter");

  const setOpen = (button, open) => {
    button.setAttribute("aria-expanded", String(open));
    document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
  };
  for (const button of toggles) {
    button.addEventListener("click", () => {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    });
  }
  const setAll = (open) => {
    for (const button of toggles) {
      if (!button.closest("tbody").hidden) {
        setOpen(button, open);
      }
    }
  };
  document.getElementById("expand-all").addEventListener("click", () => setAll(true));
  document.getElementById("collapse-all").addEventListener("click", () => setAll(false));

  const applyFilter = () => {
    const wanted = filter.value;
    let count = 0;
    for (const claim of claims) {
      const show = wanted === "" || claim.dataset.status === wanted;
      claim.hidden = !show;
      count += show ? 1 : 0;
    }
    shown.textContent = `Showing ${count} of ${claims.length} claims.`;
  };
  filter.addEventListener("change", applyFilter);

  const headers = Array.from(table.tHead.rows[0].cells).filter((cell) => cell.dataset.key);
  const compare = (key) => (a, b) =>
    key === "rank"
      ? Number(a.dataset.rank) - Number(b.dataset.rank)
      : a.dataset[key].localeCompare(b.dataset[key]);
  for (const header of headers) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = header.textContent;
    header.replaceChildren(button);
    button.addEventListener("click", () => {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      for (const other of headers) {
        other.removeAttribute("aria-sort");
      }
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const order = compare(header.dataset.key);
      const direction = ascending ? 1 : -1;
      claims.sort(
        (a, b) => direction * order(a, b) || Number(a.dataset.order) - Number(b.dataset.order),
      );
      table.append(...claims);
    });
  }

  // An opened text shows its marked passage, scrolled to within its box.
  for (const details of document.querySelectorAll("details.fulltext")) {
    details.addEventListener("toggle", () => {
      const mark = details.querySelector(".text mark");
      if (details.open && mark) {
        mark.parentElement.scrollTop = mark.offsetTop - mark.parentElement.clientHeight / 3;
      }
    });
  }
  document.getElementById("controls").hidden = false;
  applyFilter();
})();
