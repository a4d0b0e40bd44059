"""`python -m tapegrad`: print what this tapegrad runs on (tg.show_config)."""
import sys

from . import show_config

if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(f"python -m tapegrad: takes no arguments, got {' '.join(sys.argv[1:])}; "
                 "it prints tg.show_config()")
    show_config()
