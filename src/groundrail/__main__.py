from groundrail.cli import main

main()
