"""Operations of the installation (backup and restore commands); a bottom-layer app that imports no domain app."""
