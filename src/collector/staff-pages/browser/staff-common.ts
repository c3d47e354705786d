/*
 * The script of every staff page (built by vite into dist/staff/staff-common.js): asks before a form
 * marked data-confirm is sent, and prints on buttons marked data-print.
 */
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof Element ? form.getAttribute('data-confirm') : null;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener('click', (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest('[data-print]')) {
    event.preventDefault();
    window.print();
  }
});
