#ifndef COHORT_CNCURSES_SHIM_H
#define COHORT_CNCURSES_SHIM_H
/* SwiftPM drops pkg-config's -D flags: without these, wget_wch, cchar_t and WACS_* do not import. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

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
#endif
