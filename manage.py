#!/usr/bin/env python
from riposte.cli import main

if __name__ == "__main__":
    main()
