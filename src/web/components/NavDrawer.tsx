/**
 * The menu as a drawer, on a phone (AppLayout.tsx). A chunk of its own: fetched when the page is
 * idle or the menu button is touched, so that Ant Design's Drawer is not in every page's first load.
 */
import type { ReactNode } from 'react';
import { Drawer } from 'antd';

export default function NavDrawer({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  return (
    <Drawer open={open} onClose={onClose} placement="left" size={260} title={title} styles={{ body: { padding: 0 } }}>
      {children}
    </Drawer>
  );
}
