#ifndef COHORT_CNCURSES_SHIM_H
#define COHORT_CNCURSES_SHIM_H
/* SwiftPM drops pkg-config's -D flags: without these, wget_wch, cchar_t and WACS_* do not import. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
#include <unistd.h>

/* Swift 6 cannot read ncurses' C globals safely: these accessors are the only way in. */
static inline WINDOW *cohort_stdscr(void) { return stdscr; }
static inline int cohort_cols(void) { return COLS; }
static inline int cohort_lines(void) { return LINES; }
static inline attr_t cohort_bold(void) { return A_BOLD; }
static inline attr_t cohort_reverse(void) { return A_REVERSE; }
static inline attr_t cohort_underline(void) { return A_UNDERLINE; }
static inline attr_t cohort_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline int cohort_key_resize(void) { return KEY_RESIZE; }
static inline SCREEN *cohort_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline attr_t cohort_normal(void) { return A_NORMAL; }
/* Key codes Cohort defines for the start and end of a bracketed paste. */
static inline int cohort_key_paste_start(void) { return KEY_MAX + 1; }
static inline int cohort_key_paste_end(void) { return KEY_MAX + 2; }
/* Bracketed paste on or off: the terminal then wraps pasted text in ESC[200~ … ESC[201~. Uses write(2)
   only, so the signal handlers that restore the terminal may call it. */
static inline void cohort_paste_mode(int on) {
    const char *sequence = on ? "\033[?2004h" : "\033[?2004l";
    ssize_t ignored = write(1, sequence, 8);
    (void)ignored;
}
#endif
