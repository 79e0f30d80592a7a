/**
 * `strftime_now(format)` for chat templates (Llama 3.1/3.2, SmolLM3, Command A print today's date).
 * Python formats with the C locale (English names) whatever the machine's locale is;
 * @huggingface/jinja's own version uses Intl with the host locale, which would make the render
 * depend on the machine. This one follows Python's C locale and reads a caller-given clock.
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function strftime(d: Date, format: string): string {
  // `%-d` (glibc: no padding) is used by some templates; Python on Linux supports it.
  return format.replace(/%(-?)([a-zA-Z%])/g, (tok, dash: string, c: string) => {
    const p = (n: number, w = 2) => (dash ? String(n) : pad(n, w));
    switch (c) {
      case 'Y':
        return String(d.getFullYear());
      case 'y':
        return pad(d.getFullYear() % 100);
      case 'm':
        return p(d.getMonth() + 1);
      case 'd':
        return p(d.getDate());
      case 'e':
        return String(d.getDate()).padStart(2, ' ');
      case 'H':
        return p(d.getHours());
      case 'I':
        return p(((d.getHours() + 11) % 12) + 1);
      case 'M':
        return p(d.getMinutes());
      case 'S':
        return p(d.getSeconds());
      case 'p':
        return d.getHours() < 12 ? 'AM' : 'PM';
      case 'B':
        return MONTHS[d.getMonth()]!;
      case 'b':
      case 'h':
        return MONTHS[d.getMonth()]!.slice(0, 3);
      case 'A':
        return DAYS[d.getDay()]!;
      case 'a':
        return DAYS[d.getDay()]!.slice(0, 3);
      case 'j': {
        const start = new Date(d.getFullYear(), 0, 1);
        return p(Math.floor((d.getTime() - start.getTime()) / 86_400_000) + 1, 3);
      }
      case '%':
        return '%';
      default:
        return tok;
    }
  });
}
