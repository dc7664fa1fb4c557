from erc_parse.cli import main

main()
