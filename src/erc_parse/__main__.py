from erc_parse._script import main

main()
